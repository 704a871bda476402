#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Encryption (encryption = tls, zabd/tls.h): the kernel's send and receive
# paths through kernel TLS (records of any size, split across TLS records;
# a bad record, an alert or a frame that breaks the protocol inside TLS
# drops the peer with its own reason), and zabd's TLS 1.3 handshake before
# authentication: an encrypted ensemble forms, commits and fails over with
# every connection in kernel TLS; a member without encryption is refused
# on both sides and counted, and joins once it encrypts too.
. "$(dirname "$0")/lib.sh"

AUTHPEER=$(dirname "$0")/authpeer

# tls_peers NS NAME: the peer connections of NAME in kernel TLS.
tls_peers() {
	field_ns "$1" "$2" tls_peers
}

# The kernel's path: an ensemble formed by zabboot over sockets in kernel
# TLS (a fixed key); records from 1 byte to 200 KiB, each split over many
# TLS records and TCP segments, from every member, commit everywhere in one
# order; a member that joins late is sent what it lacks over TLS.
test_kernel_path() {
	local i size a n
	export ZAB_ENCRYPTION=tls
	ENS_TMP=$(mktemp -d)
	ens_setup 3
	ens_boot 3 1 1 1 2
	[ "$(tls_peers zab1 z1)" = 1 ] || fail "z1 has $(tls_peers zab1 z1) peers in TLS, not 1"
	[ "$(tls_peers zab2 z2)" = 1 ] || fail "z2's leader connection is not in TLS"
	nsx zab1 "$ZABCTL" show z1 | grep -q ", tls$" || fail "show does not say tls"
	write_on "$ENS_TMP" a 100 1 2
	# a member joins late, while writes go on: the rest of the log, then
	# the live stream, over TLS
	"$ZABLOAD" write /dev/zab/z1 live 200 > "$ENS_TMP/w.live.1" &
	w=$!
	nsx zab1 "$ZABBOOT" add z1 10.77.0.1 2889 > "$ENS_TMP/add" &
	a=$!
	nsx zab3 "$ZABBOOT" follow z3 1 3 1 10.77.0.1 2889 > /dev/null || fail "z3 could not follow"
	wait $a || fail "ADD_FOLLOWER: $(cat "$ENS_TMP/add")"
	wait $w
	[ "$(tls_peers zab1 z1)" = 2 ] || fail "z1 has $(tls_peers zab1 z1) peers in TLS, not 2"
	for size in 1 4000 70000 200000; do
		for i in 1 2 3; do
			"$ZABLOAD" write "/dev/zab/z$i" "s$size-$i" 5 "$size" > "$ENS_TMP/w.s$size.$i" ||
				fail "writes of $size bytes on z$i: $(grep -v '^ok' "$ENS_TMP/w.s$size.$i" | head -2)"
		done
	done
	write_on "$ENS_TMP" c 50 1 2 3
	! grep -q '^err' "$ENS_TMP"/w.* || fail "writes failed"
	settle "$ENS_TMP" 1 1 2 3
	[ "$(wc -l < "$ENS_TMP/dump.3")" = 610 ] || fail "z3 has $(wc -l < "$ENS_TMP/dump.3") of 610"
	[ "$(field_ns zab1 z1 bad_frames)" = 0 ] || fail "bad frames at the leader"
	# zab.ko holds tls.ko from its first peer in TLS until it unloads: the
	# socket operations it copied from TLS's stay TLS's
	grep -q '^tls ' /proc/modules || return 0	# built in
	for i in 1 2 3; do
		nsx "zab$i" "$ZABCTL" destroy "z$i" || fail "destroy z$i"
	done
	# (sockets of earlier tests may still hold it too, closing)
	n=$(cat /sys/module/tls/refcnt)
	rmmod zab || fail "zab.ko does not unload"
	[ "$(cat /sys/module/tls/refcnt)" -lt "$n" ] ||
		fail "zab.ko held no reference on tls.ko ($n before it unloaded, $(cat /sys/module/tls/refcnt) after)"
}

# A follower drops a leader whose bytes kernel TLS refuses: a record that
# fails authentication (written in clear), an alert record; a frame that
# breaks the protocol inside TLS is still the protocol's error. It logs
# nothing of them.
test_bad_record_at_follower() {
	local epoch=1 how n
	export ZAB_ENCRYPTION=tls
	ENS_TMP=$(mktemp -d)
	ens_setup 2
	nsx_bg zab2 "$ZABCTL" monitor > "$ENS_TMP/events"
	sleep 0.5
	for how in raw alert tls; do
		case $how in
		raw) hex=1703030020$(printf 'de%.0s' $(seq 32)) ;;	# application data, a bad tag
		alert) hex=0100 ;;					# a warning alert, close_notify
		tls) hex=deadbeefdeadbeefdeadbeef ;;			# garbage, inside TLS
		esac
		ZABBOOT_ROGUE=$how nsx zab1 "$ZABBOOT" rogue-lead 10.77.0.1 $ZAB_PORT "$hex" \
			> "$ENS_TMP/rogue" &
		nsx zab2 "$ZABBOOT" follow z2 "$epoch" 2 1 10.77.0.1 $ZAB_PORT > /dev/null ||
			fail "z2 could not follow the rogue"
		wait $! || fail "rogue leader ($how): $(cat "$ENS_TMP/rogue")"
		wait_for 5 sh -c "[ \"\$('$DEVTEST' status /dev/zab/z2 | grep state=)\" = state=0 ]" ||
			fail "z2 kept the rogue leader ($how)"
		[ "$(zst 2 last_zxid)" = 0x0 ] || fail "z2 logged $(zst 2 last_zxid) from the rogue"
		epoch=$((epoch + 1))
	done
	sleep 0.3
	kill "$NSX_PID"
	n=$(grep -c 'PEER_DOWN peer=1 reason=tls' "$ENS_TMP/events" || true)
	[ "$n" = 2 ] || fail "expected 2 TLS errors, saw $n: $(cat "$ENS_TMP/events")"
	grep -q 'PEER_DOWN peer=1 reason=protocol' "$ENS_TMP/events" ||
		fail "garbage inside TLS was not a protocol error: $(cat "$ENS_TMP/events")"
}

# A leader drops a follower that writes in clear into its TLS connection.
test_bad_record_at_leader() {
	export ZAB_ENCRYPTION=tls
	ENS_TMP=$(mktemp -d)
	ens_setup 2
	nsx_bg zab1 "$ZABCTL" monitor > "$ENS_TMP/events"
	sleep 0.5
	# after the hello (in clear, as zabboot's), a TLS record header and
	# garbage: TLS cannot authenticate it
	nsx zab1 "$ZABBOOT" lead z1 1 2 10.77.0.1 $ZAB_PORT 1 > "$ENS_TMP/lead" &
	# held open well past the LEAD: a rogue gone before zabboot handed its
	# socket over (a slow kernel) would be refused as unconnected
	rogue zab2 10.77.0.1 $ZAB_PORT 2 \
		"\\x17\\x03\\x03\\x00\\x20$(printf '\\xde%.0s' $(seq 32))" $((5 * ZAB_TIME_SCALE))
	wait $! || fail "LEAD with the rogue: $(cat "$ENS_TMP/lead")"
	wait_for 5 sh -c "[ \"\$('$DEVTEST' status /dev/zab/z1 | grep state=)\" = state=0 ]" ||
		fail "the leader kept the rogue"
	sleep 0.3
	kill "$NSX_PID"
	grep -q 'PEER_DOWN peer=2 reason=tls' "$ENS_TMP/events" ||
		fail "no TLS error: $(cat "$ENS_TMP/events")"
}

# zabd with encryption = tls: the ensemble forms, every connection between
# members (election and quorum) is in kernel TLS, writes commit, the
# leader fails over, and the new ensemble is encrypted too.
test_zabd_ensemble() {
	local i l n
	ZABD_ENCRYPTION=tls zabd_setup 3
	zabd_start 1 2 3
	wait_formed 30 1 2 3
	l=$LEADER
	grep -q "encryption: TLS 1.3" "$ENS_TMP/zabd.1.log" || fail "zabd does not say it encrypts"
	[ "$(tls_peers "zab$l" "z$l")" = 2 ] || fail "the leader has $(tls_peers "zab$l" "z$l") TLS peers"
	# election connections too: ss shows the ULP of each, where the kernel
	# has sock_diag (the quorum connections, in TLS, show whether it does)
	if nsx "zab$l" ss -Htni state established '( sport = :2888 )' | grep -q "tcp-ulp-tls"; then
		for i in 1 2 3; do
			n=$(nsx "zab$i" ss -Htni state established '( sport = :3888 or dport = :3888 )' |
				grep -c "tcp-ulp-tls" || true)
			[ "$n" -ge 2 ] || fail "member $i has $n election connections in TLS: $(nsx "zab$i" ss -Htni)"
		done
	else
		echo "  ss shows no ULP on this kernel (no sock_diag): election connections not checked"
	fi
	write_on "$ENS_TMP" a 50 1 2 3
	zabd_crash "$l"
	set -- $(others "$l" 1 2 3)
	wait_formed 30 "$@"
	[ "$(tls_peers "zab$LEADER" "z$LEADER")" = 1 ] || fail "the new leader's follower is not in TLS"
	write_on "$ENS_TMP" b 50 "$@"
	zabd_start "$l"
	wait_formed 30 1 2 3
	[ "$(tls_peers "zab$LEADER" "z$LEADER")" = 2 ] || fail "the old leader did not come back in TLS"
	write_on "$ENS_TMP" c 20 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
	! grep -qi "error\|failed" "$ENS_TMP/zabd.$LEADER.log" ||
		fail "the leader logged errors: $(grep -i "error\|failed" "$ENS_TMP/zabd.$LEADER.log" | head -3)"
	# from a member's address, a TLS peer that sends an alert (openssl's
	# close_notify) where HELLO belongs: refused as TLS's refusal, counted
	l=$LEADER
	set -- $(others "$l" 1 2 3)
	n=$(auth_failures_of "$l")
	(sleep 2) | nsx "zab$1" timeout 10 openssl s_client -tls1_3 -connect "10.77.0.$l:2888" \
		> /dev/null 2>&1
	wait_for 5 sh -c "[ \$(ip netns exec zab$l '$ZABCTL' show z$l -o auth_failures) -gt $n ]" ||
		fail "the alert was not counted"
	grep -q "authentication of 10.77.0.$1 failed: a TLS alert or a record that is not data (tls)" \
		"$ENS_TMP/zabd.$l.log" ||
		fail "the leader does not name TLS's refusal: $(grep authentication "$ENS_TMP/zabd.$l.log" | head -3)"
	[ "$(tls_peers "zab$l" "z$l")" = 2 ] || fail "a member left"
	write_on "$ENS_TMP" d 20 1 2 3
	settle "$ENS_TMP" "$l" 1 2 3
}

# A connection in TLS ends before its key has sent as many records as TLS
# 1.3 allows for AES-GCM (here lowered to 250..350 by tls_key_records), and
# zabd connects again with new keys: the reason is tls_key_used, the
# follower rejoins in TLS, and nothing acknowledged is lost. Writes come in
# rounds, each once the ensemble is whole again, so that two followers
# renewed at once (a quorum lost, an election) stay unlikely.
test_key_used_renews_connection() {
	local p=/sys/module/zab/parameters/tls_key_records l n r
	ZABD_ENCRYPTION=tls zabd_setup 3
	zabd_start 1 2 3
	wait_formed 30 1 2 3
	[ "$(cat $p)" = 16777216 ] || fail "tls_key_records is $(cat $p), not 2^24"
	expect_fail "a limit below 64" sh -c "echo 10 > $p"
	echo 400 > $p
	for r in $(seq 15); do
		wait_formed 30 1 2 3
		wait_for 10 sh -c "[ \$(ip netns exec zab$LEADER '$ZABCTL' show z$LEADER -o tls_peers) = 2 ]" ||
			fail "round $r: the leader has $(tls_peers "zab$LEADER" "z$LEADER") peers in TLS"
		l=$LEADER
		# a write may fail while its member's connection is renewed
		"$ZABLOAD" write "/dev/zab/z$l" "k$r-$l" 20 > "$ENS_TMP/w.k$r.$l"
	done
	n=$(cat "$ENS_TMP"/zabd.*.log | grep -c "disconnected (tls_key_used)" || true)
	[ "$n" -ge 2 ] || fail "$n connections renewed for their keys, expected at least 2"
	echo "  connections renewed: $n; writes failed: $(cat "$ENS_TMP"/w.k* | grep -c '^err' || true) of 300"
	echo 16777216 > $p
	wait_formed 30 1 2 3
	write_on "$ENS_TMP" e 20 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
}

# A member without encryption and an encrypted ensemble refuse each other,
# say why and count it; a stranger's plain handshake is refused too. Once
# the member encrypts, it joins.
test_zabd_plain_member_refused() {
	local n l
	ZABD_ENCRYPTION=tls zabd_setup 3
	sed -i "s/^encryption = .*/encryption = none/" "$ENS_TMP/z3.conf"
	zabd_start 1 2 3
	wait_formed 30 1 2
	l=$LEADER
	sleep 3
	[ "$(zst 3 state)" = 0 ] || fail "the plain member got in: state $(zst 3 state)"
	[ "$(auth_failures_of 3)" -gt 0 ] || fail "member 3 counts no failure"
	[ "$(auth_failures_of "$l")" -gt 0 ] || fail "the leader counts no failure"
	grep -q "the peer encrypts (encryption = tls)" "$ENS_TMP/zabd.3.log" ||
		fail "member 3 does not say why: $(grep authentication "$ENS_TMP/zabd.3.log" | head -3)"
	grep -q "the peer runs without encryption" "$ENS_TMP/zabd.$l.log" ||
		fail "the leader does not say why: $(grep authentication "$ENS_TMP/zabd.$l.log" | head -3)"
	# a stranger's handshake in clear, with the key, on the quorum port
	n=$(auth_failures_of "$l")
	out=$(nsx zab3 "$AUTHPEER" "10.77.0.$l" 2888 quorum 3 "$ZAB_TEST_KEY" 2>&1) &&
		fail "a plain handshake was let in: $out"
	wait_for 5 sh -c "[ \$(ip netns exec zab$l '$ZABCTL' show z$l -o auth_failures) -gt $n ]" ||
		fail "the plain handshake was not counted"
	write_on "$ENS_TMP" a 20 1 2
	# it encrypts now
	zabd_crash 3
	sed -i "s/^encryption = .*/encryption = tls/" "$ENS_TMP/z3.conf"
	zabd_start 3
	wait_formed 30 1 2 3
	write_on "$ENS_TMP" b 20 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
}

# auth_failures_of I: member I's count.
auth_failures_of() {
	field_ns "zab$1" "z$1" auth_failures
}

# mkca NAME: a CA, $ENS_TMP/NAME.pem and .key.
mkca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$ENS_TMP/$1.key" -out "$ENS_TMP/$1.pem" -days 3650 \
		-subj "/CN=zab test $1" 2> /dev/null || fail "openssl: no CA"
}

# mkcert FILE CA CN [DAYS [KEY [EXT]]]: FILE.pem and FILE.key (mode 0600),
# subject CN, signed by CA, valid DAYS days from now (negative: expired), its
# key KEY: ec:CURVE (ec:P-256, the default) or rsa:BITS; EXT an x509v3
# extension line (extendedKeyUsage = serverAuth), if any.
mkcert() {
	local f=$1 ca=$2 cn=$3 days=${4:-365} key=${5:-ec:P-256} ext=${6:-} kopt
	case $key in
	ec:*) kopt="ec -pkeyopt ec_paramgen_curve:${key#ec:}" ;;
	*) kopt=$key ;;
	esac
	openssl req -newkey $kopt -nodes -keyout "$f.key" \
		-out "$f.csr" -subj "/CN=$cn" 2> /dev/null &&
	printf '%s\n' "$ext" > "$f.ext" &&
	openssl x509 -req -in "$f.csr" -CA "$ENS_TMP/$ca.pem" -CAkey "$ENS_TMP/$ca.key" \
		${ext:+-extfile "$f.ext"} \
		-CAcreateserial -out "$f.pem" -days "$days" 2> /dev/null || fail "openssl: no certificate"
	chmod 600 "$f.key"
}

# mkintca NAME CA [EXT]: an intermediate CA NAME.pem, NAME.key signed by CA,
# with the extension line EXT too (extendedKeyUsage = serverAuth), if any.
mkintca() {
	mkcert "$ENS_TMP/$1" "$2" "zab test $1" 3650 ec:P-256 "basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign${3:+
$3}"
}

# cert_conf I: member I authenticates with $ENS_TMP/mI.pem of CA ca.
cert_conf() {
	sed -i "/^authKeyFile/d; s/^encryption = .*/encryption = tls/" "$ENS_TMP/z$1.conf"
	printf 'auth = cert\ntlsCertFile = %s\ntlsKeyFile = %s\ntlsCaFile = %s\n' \
		"$ENS_TMP/m$1.pem" "$ENS_TMP/m$1.key" "$ENS_TMP/ca.pem" >> "$ENS_TMP/z$1.conf"
}

# cert_setup: three members with certificates of one CA.
cert_setup() {
	local i
	ZABD_ENCRYPTION=tls zabd_setup 3
	mkca ca
	for i in 1 2 3; do
		mkcert "$ENS_TMP/m$i" ca "zab member $i"
		cert_conf "$i"
	done
}

# quorum_hello ID: the HELLO of the quorum port claiming member ID (1 to
# 9), 48 bytes, as printf's %b reads it.
quorum_hello() {
	printf '%s' "\x5a\x41\x42\x41\x01\x01\x02\x00\x00\x00\x00\x0$1"
	printf '\\x00%.0s' $(seq 36)
}

# tls_client NS ADDR CERT|- HEX: a TLS 1.3 client (openssl) at ADDR:2888,
# with the certificate CERT.pem/.key (or none), that sends the bytes HEX
# once the handshake is done; what it says in $ENS_TMP/client.out.
tls_client() {
	local ns=$1 addr=$2 cert=$3 hex=$4
	printf '%b' "$hex" > "$ENS_TMP/client.in"
	nsx "$ns" timeout 30 openssl s_client -quiet -tls1_3 -connect "$addr:2888" \
		${cert:+$([ "$cert" = - ] || echo "-cert $cert.pem -key $cert.key")} \
		$([ ! -f "$cert.chain" ] || echo "-cert_chain $cert.chain") \
		< "$ENS_TMP/client.in" > "$ENS_TMP/client.out" 2>&1 || true
}

# auth = cert: the members' certificates of the ensemble's CA authenticate
# them; the ensemble forms, commits and fails over, encrypted. A
# certificate that ends within 30 days is warned of.
test_cert_ensemble() {
	local l
	cert_setup
	# member 2's certificate ends in 10 days: zabd warns of it
	mkcert "$ENS_TMP/m2" ca "zab member 2" 10
	# member 3's is of an intermediate CA, which its file holds after it
	mkintca inter ca
	mkcert "$ENS_TMP/m3" inter "zab member 3"
	cat "$ENS_TMP/inter.pem" >> "$ENS_TMP/m3.pem"
	zabd_start 1 2 3
	wait_formed 30 1 2 3
	l=$LEADER
	grep -q "authentication: certificates of the CAs in $ENS_TMP/ca.pem" "$ENS_TMP/zabd.1.log" ||
		fail "zabd does not say how it authenticates"
	# 10 days from the second openssl signed it: "10 days 0 hours" if zabd
	# starts within that second, "9 days 23 hours" after
	grep -Eq "warning: tlsCertFile $ENS_TMP/m2.pem: the certificate expires in (10 days 0|9 days 23) hours: replace it before then" \
		"$ENS_TMP/zabd.2.log" ||
		fail "no warning of the certificate's end: $(grep -i 'cert' "$ENS_TMP/zabd.2.log" | tr '\n' ' ')"
	! grep -q "expires in" "$ENS_TMP/zabd.1.log" || fail "a warning of a certificate a year long"
	! grep -q "auth = none" "$ENS_TMP/zabd.1.log" || fail "zabd warns of auth = none"
	[ "$(tls_peers "zab$l" "z$l")" = 2 ] || fail "the leader has $(tls_peers "zab$l" "z$l") TLS peers"
	write_on "$ENS_TMP" a 30 1 2 3
	zabd_crash "$l"
	set -- $(others "$l" 1 2 3)
	wait_formed 30 "$@"
	write_on "$ENS_TMP" b 30 "$@"
	zabd_start "$l"
	wait_formed 30 1 2 3
	write_on "$ENS_TMP" c 10 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
}

# A certificate that expired, one of another CA, none at all, one whose
# extended key usage does not allow a TLS client, and a good one whose
# holder claims another member's id: each refused at the leader's quorum
# port, said why and counted; nothing joins, the ensemble keeps committing.
# At start, a member refuses its own certificate if it expired, names
# another member, has a key other than ECDSA P-256 or an extended key usage
# without clientAuth, does not verify against tlsCaFile (another CA's, its
# intermediate CA left out of its file, a chain through a certificate that
# is no CA, or longer than 8), a key file others may read,
# and a revocation list its CA did not sign (saying so). A peer whose
# certificate's intermediate CA it left out is refused too.
test_cert_refused() {
	local l f n0 n hello c alert prev i
	cert_setup
	mkca other
	mkcert "$ENS_TMP/expired" ca "zab member 3" -1
	mkcert "$ENS_TMP/foreign" other "zab member 3"
	mkcert "$ENS_TMP/server" ca "zab member 3" 365 ec:P-256 "extendedKeyUsage = serverAuth"
	# a member's certificate of an intermediate CA for servers only
	mkintca servers ca "extendedKeyUsage = serverAuth"
	mkcert "$ENS_TMP/viaservers" servers "zab member 3"
	cp "$ENS_TMP/servers.pem" "$ENS_TMP/viaservers.chain"
	# one of an intermediate CA whose certificate it leaves out
	mkintca inter ca
	mkcert "$ENS_TMP/nointer" inter "zab member 3"
	zabd_start 1 2 3
	wait_formed 30 1 2 3
	l=$LEADER
	f=$(others "$l" 1 2 3 | cut -d' ' -f1)
	writers_start 1 2 3
	n0=$(auth_failures_of "$l")
	hello=$(quorum_hello "$f")
	# each refusal counted before the next client (one at a time: which
	# one was not is then plain); the last has the certificate of another
	# member than the HELLO's; a refused certificate is told why in an alert
	n=$n0
	for c in expired:"alert certificate expired" foreign:"alert unknown ca" \
		-:"alert certificate required" server:"alert unsupported certificate" \
		viaservers:"alert unsupported certificate" nointer:"alert unknown ca" "m$l:"; do
		alert=${c#*:} c=${c%%:*}
		tls_client "zab$f" "10.77.0.$l" "$([ "$c" = - ] && echo - || echo "$ENS_TMP/$c")" "$hello"
		n=$((n + 1))
		wait_for $((30 * ZAB_TIME_SCALE)) sh -c \
			"[ \$(ip netns exec zab$l '$ZABCTL' show z$l -o auth_failures) -ge $n ]" ||
			fail "the client with certificate $c was not counted"
		[ -z "$alert" ] || grep -q "$alert" "$ENS_TMP/client.out" ||
			fail "the client with certificate $c was not told \"$alert\": $(tail -n 3 "$ENS_TMP/client.out")"
	done
	n=$(( $(auth_failures_of "$l") - n0 ))
	[ "$n" = 7 ] || fail "the leader counted $n failures, not 7"
	grep -h "authentication of 10.77.0.$f failed" "$ENS_TMP/zabd.$l.log" | sed 's/^/  /'
	grep -q "its certificate is refused: .*expired" "$ENS_TMP/zabd.$l.log" ||
		fail "the expired certificate's refusal does not say so"
	grep -q "its certificate's extended key usage does not allow TLS client authentication (clientAuth)" \
		"$ENS_TMP/zabd.$l.log" || fail "the refusal of a server-only certificate does not say why"
	grep -q "the extended key usage of a CA in its chain does not allow TLS client authentication (clientAuth)" \
		"$ENS_TMP/zabd.$l.log" || fail "the refusal of a server-only CA does not say why"
	formed_still 1 2 3
	writers_stop
	! grep -q '^err' "$ENS_TMP"/w.* || fail "writes failed: $(grep -h '^err' "$ENS_TMP"/w.* | head -3)"
	settle "$ENS_TMP" "$l" 1 2 3
	zabd_cleanup
	# a member's own certificate, at start
	sed -i "s|^tlsCertFile = .*|tlsCertFile = $ENS_TMP/expired.pem|; s|^tlsKeyFile = .*|tlsKeyFile = $ENS_TMP/expired.key|" \
		"$ENS_TMP/z3.conf"
	expect_fail "an expired certificate" nsx zab3 "$ZABD" -c "$ENS_TMP/z3.conf"
	expect_match "expired.pem: the certificate has expired" "$OUT"
	sed -i "s|^tlsCertFile = .*|tlsCertFile = $ENS_TMP/m2.pem|; s|^tlsKeyFile = .*|tlsKeyFile = $ENS_TMP/m2.key|" \
		"$ENS_TMP/z3.conf"
	expect_fail "another member's certificate" nsx zab3 "$ZABD" -c "$ENS_TMP/z3.conf"
	expect_match "its subject names member 2, not this member" "$OUT"
	chmod 644 "$ENS_TMP/m2.key"
	expect_fail "a key file others may read" nsx zab3 "$ZABD" -c "$ENS_TMP/z3.conf"
	expect_match "m2.key: the key file's mode is 0644" "$OUT"
	chmod 600 "$ENS_TMP/m2.key"
	ln -s "$ENS_TMP/m2.key" "$ENS_TMP/link.key"
	sed -i "s|^tlsKeyFile = .*|tlsKeyFile = $ENS_TMP/link.key|" "$ENS_TMP/z3.conf"
	expect_fail "a key file that is a link" nsx zab3 "$ZABD" -c "$ENS_TMP/z3.conf"
	expect_match "link.key: a symbolic link, not the key file" "$OUT"
	# keys TLS would refuse at every handshake: refused at start
	mkcert "$ENS_TMP/rsa" ca "zab member 3" 365 rsa:2048
	sed -i "s|^tlsCertFile = .*|tlsCertFile = $ENS_TMP/rsa.pem|; s|^tlsKeyFile = .*|tlsKeyFile = $ENS_TMP/rsa.key|" \
		"$ENS_TMP/z3.conf"
	expect_fail "an RSA key" nsx zab3 "$ZABD" -c "$ENS_TMP/z3.conf"
	expect_match "rsa.pem: its key is RSA 2048 bits, not ECDSA P-256" "$OUT"
	mkcert "$ENS_TMP/p384" ca "zab member 3" 365 ec:secp384r1
	sed -i "s|^tlsCertFile = .*|tlsCertFile = $ENS_TMP/p384.pem|; s|^tlsKeyFile = .*|tlsKeyFile = $ENS_TMP/p384.key|" \
		"$ENS_TMP/z3.conf"
	expect_fail "a P-384 key" nsx zab3 "$ZABD" -c "$ENS_TMP/z3.conf"
	expect_match "p384.pem: its key is ECDSA SECP384R1, not ECDSA P-256" "$OUT"
	sed -i "s|^tlsCertFile = .*|tlsCertFile = $ENS_TMP/server.pem|; s|^tlsKeyFile = .*|tlsKeyFile = $ENS_TMP/server.key|" \
		"$ENS_TMP/z3.conf"
	expect_fail "a certificate for servers only" nsx zab3 "$ZABD" -c "$ENS_TMP/z3.conf"
	expect_match "server.pem: its extended key usage does not allow TLS client authentication \\(clientAuth\\); a member's certificate needs both clientAuth and serverAuth" "$OUT"
	cat "$ENS_TMP/servers.pem" >> "$ENS_TMP/viaservers.pem"
	sed -i "s|^tlsCertFile = .*|tlsCertFile = $ENS_TMP/viaservers.pem|; s|^tlsKeyFile = .*|tlsKeyFile = $ENS_TMP/viaservers.key|" \
		"$ENS_TMP/z3.conf"
	expect_fail "a certificate of a CA for servers only" nsx zab3 "$ZABD" -c "$ENS_TMP/z3.conf"
	expect_match "viaservers.pem: the extended key usage of a CA in its chain does not allow TLS client authentication \\(clientAuth\\)" "$OUT"
	# its peers would refuse a chain that does not reach tlsCaFile: so does
	# the member, saying why
	for c in foreign nointer; do
		sed -i "s|^tlsCertFile = .*|tlsCertFile = $ENS_TMP/$c.pem|; s|^tlsKeyFile = .*|tlsKeyFile = $ENS_TMP/$c.key|" \
			"$ENS_TMP/z3.conf"
		expect_fail "a certificate that does not verify ($c)" nsx zab3 timeout 60 "$ZABD" -c "$ENS_TMP/z3.conf"
		expect_match "$c.pem: the certificate does not verify against tlsCaFile $ENS_TMP/ca.pem: no CA of tlsCaFile or of the file signed a certificate of the chain; its peers refuse it" "$OUT"
	done
	# a chain through a certificate that is no CA
	mkcert "$ENS_TMP/notca" ca "zab test notca" 3650 ec:P-256 "basicConstraints = CA:FALSE"
	mkcert "$ENS_TMP/vianotca" notca "zab member 3"
	cat "$ENS_TMP/notca.pem" >> "$ENS_TMP/vianotca.pem"
	sed -i "s|^tlsCertFile = .*|tlsCertFile = $ENS_TMP/vianotca.pem|; s|^tlsKeyFile = .*|tlsKeyFile = $ENS_TMP/vianotca.key|" \
		"$ENS_TMP/z3.conf"
	expect_fail "a chain through a certificate that is no CA" nsx zab3 timeout 60 "$ZABD" -c "$ENS_TMP/z3.conf"
	expect_match "vianotca.pem: the certificate does not verify against tlsCaFile $ENS_TMP/ca.pem: a certificate of the chain is signed by one that is not a CA" "$OUT"
	# a chain longer than its peers take (8)
	prev=ca
	for i in 1 2 3 4 5 6 7 8; do
		mkintca "i$i" "$prev"
		prev=i$i
	done
	mkcert "$ENS_TMP/long" i8 "zab member 3"
	for i in 8 7 6 5 4 3 2 1; do
		cat "$ENS_TMP/i$i.pem" >> "$ENS_TMP/long.pem"
	done
	sed -i "s|^tlsCertFile = .*|tlsCertFile = $ENS_TMP/long.pem|; s|^tlsKeyFile = .*|tlsKeyFile = $ENS_TMP/long.key|" \
		"$ENS_TMP/z3.conf"
	expect_fail "a chain of 9" nsx zab3 timeout 60 "$ZABD" -c "$ENS_TMP/z3.conf"
	expect_match "long.pem: the certificate does not verify against tlsCaFile $ENS_TMP/ca.pem: it holds 9 certificates, more than a member's chain may \\(8\\)" "$OUT"
	# a revocation list signed by another key in the CA's name: refused
	sed -i "s|^tlsCertFile = .*|tlsCertFile = $ENS_TMP/m3.pem|; s|^tlsKeyFile = .*|tlsKeyFile = $ENS_TMP/m3.key|" \
		"$ENS_TMP/z3.conf"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$ENS_TMP/forger.key" -out "$ENS_TMP/forger.pem" -days 3650 \
		-subj "/CN=zab test ca" 2> /dev/null || fail "openssl: no forger's CA"
	crl_init forger
	crl_revoke "$ENS_TMP/m1"
	printf 'tlsCrlFile = %s\n' "$ENS_TMP/crl.pem" >> "$ENS_TMP/z3.conf"
	expect_fail "a forged revocation list" nsx zab3 "$ZABD" -c "$ENS_TMP/z3.conf"
	expect_match "crl.pem: revocation list 1 \\(issuer CN=zab test ca\\): its signature does not check with the key of the first CA of that name in tlsCaFile" "$OUT"
}

# An intermediate CA's revocation list, with that CA's certificate beside
# it in tlsCrlFile (tlsCaFile holds the root alone): a member under that CA
# whose certificate the list revokes is refused by the others, which form
# and commit without it. The intermediate CA's certificate in tlsCrlFile is
# no trust anchor: a certificate of that CA sent without it is refused
# (unknown CA). Refused at start, each saying which: the list without its
# CA's certificate, a CA certificate of the file that no CA of tlsCaFile
# signed, one that the root's list in the file revokes, and ones whose
# chain goes past a CA's path length or name constraints (a CA below a CA
# of path length 0's own, one outside its CA's permitted names), while
# chains within them are taken, whichever certificates of the file they
# need (copies, a CA certificate issued again).
test_cert_intermediate_crl() {
	local i
	cert_setup
	mkca other
	mkintca inter ca
	mkintca stranger other
	mkcert "$ENS_TMP/m3" inter "zab member 3"
	mkcert "$ENS_TMP/nointer" inter "zab member 3"
	cat "$ENS_TMP/inter.pem" >> "$ENS_TMP/m3.pem"
	# the root's list revoking the intermediate CA, then the intermediate's
	# revoking member 3
	crl_init ca
	crl_revoke "$ENS_TMP/inter"
	mv "$ENS_TMP/crl.pem" "$ENS_TMP/rootcrl.pem"
	crl_init inter
	crl_revoke "$ENS_TMP/m3"
	printf 'tlsCrlFile = %s\n' "$ENS_TMP/crls.pem" >> "$ENS_TMP/z1.conf"
	crl_refused "an intermediate CA's list without its certificate" \
		"revocation list 1 \\(issuer CN=zab test inter\\): no CA of tlsCaFile, nor a CA certificate of the file, has its issuer's name" \
		crl.pem
	crl_refused "a CA certificate of another CA in tlsCrlFile" \
		"certificate 1 \\(subject CN=zab test stranger\\): no CA of tlsCaFile, nor a CA certificate of the file, has its issuer's name" \
		stranger.pem crl.pem
	crl_refused "a revoked CA certificate in tlsCrlFile" \
		"certificate 1 \\(subject CN=zab test inter\\): it is revoked by a list of the file" \
		inter.pem rootcrl.pem crl.pem
	# each CA certificate of the file by its whole chain: lim may have no
	# CA below the one it signs (pathlen:0), nc signs for example.org only
	cp "$ENS_TMP/crl.pem" "$ENS_TMP/intercrl.pem"
	mkcert "$ENS_TMP/lim" ca "zab test lim" 3650 ec:P-256 "basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign"
	mkintca sub lim
	mkintca subsub sub
	mkcert "$ENS_TMP/nc" ca "zab test nc" 3650 ec:P-256 "basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
nameConstraints = critical,permitted;DNS:example.org"
	mkintca evil nc "subjectAltName = DNS:evil.example.com"
	mkintca mid nc "subjectAltName = DNS:ops.example.org"
	mkintca far mid "subjectAltName = DNS:far.example.com"
	for i in subsub evil far sub; do
		crl_init "$i"
		mv "$ENS_TMP/crl.pem" "$ENS_TMP/$i.crl"
	done
	crl_refused "a CA certificate in tlsCrlFile below a CA of path length 0's own CA" \
		"certificate 3 \\(subject CN=zab test subsub\\): a CA of the chain signed beyond its constraints \\(path length, names\\)" \
		lim.pem sub.pem subsub.pem subsub.crl
	crl_refused "a CA certificate in tlsCrlFile outside its CA's name constraints" \
		"certificate 2 \\(subject CN=zab test evil\\): the CA of that name in tlsCaFile or the file may not sign it \\(its keyUsage lacks keyCertSign, or its name constraints leave it out\\)" \
		nc.pem evil.pem evil.crl
	crl_refused "a CA certificate in tlsCrlFile outside the name constraints of its CA's CA" \
		"certificate 3 \\(subject CN=zab test far\\): a CA of the chain signed beyond its constraints \\(path length, names\\)" \
		far.crl nc.pem mid.pem far.pem
	# the intermediate's certificate and list: taken, member 3 refused;
	# sub's list too, its chain within lim's path length (each certificate
	# twice, a copy before its issuer), and subsub's through lim1: lim's
	# name and key again, of path length 1, after lim
	printf 'basicConstraints = critical,CA:TRUE,pathlen:1\nkeyUsage = critical,keyCertSign,cRLSign\n' \
		> "$ENS_TMP/lim1.ext"
	openssl x509 -req -in "$ENS_TMP/lim.csr" -CA "$ENS_TMP/ca.pem" -CAkey "$ENS_TMP/ca.key" \
		-extfile "$ENS_TMP/lim1.ext" -CAcreateserial -out "$ENS_TMP/lim1.pem" -days 3650 \
		2> /dev/null || fail "openssl: no certificate"
	cat "$ENS_TMP/inter.pem" "$ENS_TMP/intercrl.pem" "$ENS_TMP/sub.pem" "$ENS_TMP/lim.pem" \
		"$ENS_TMP/sub.pem" "$ENS_TMP/lim.pem" "$ENS_TMP/lim1.pem" "$ENS_TMP/subsub.pem" \
		"$ENS_TMP/sub.crl" "$ENS_TMP/subsub.crl" > "$ENS_TMP/crls.pem"
	printf 'tlsCrlFile = %s\n' "$ENS_TMP/crls.pem" >> "$ENS_TMP/z2.conf"
	zabd_start 1 2 3
	wait_formed 30 1 2
	for i in 1 2; do
		grep -q "revocation lists in $ENS_TMP/crls.pem" "$ENS_TMP/zabd.$i.log" ||
			fail "member $i does not say it reads the revocation lists"
	done
	wait_for $((30 * ZAB_TIME_SCALE)) sh -c "grep -h 'authentication of 10.77.0.3 failed: its certificate is refused: .*revoked' '$ENS_TMP/zabd.1.log' '$ENS_TMP/zabd.2.log' | grep -q ." ||
		fail "member 3 was not refused as revoked: $(grep -h 'authentication of' "$ENS_TMP/zabd.1.log" "$ENS_TMP/zabd.2.log" | tail -n 3)"
	grep -h "authentication of 10.77.0.3 failed" "$ENS_TMP/zabd.1.log" "$ENS_TMP/zabd.2.log" |
		tail -n 1 | cut -c25- | sed 's/^/  /'
	write_on "$ENS_TMP" a 20 1 2
	out_of_ensemble 3 || fail "the revoked member 3 $(zst 3 state)"
	# member 3's HELLO, with a certificate of the intermediate CA that
	# leaves it out
	tls_client zab3 "10.77.0.$LEADER" "$ENS_TMP/nointer" "$(quorum_hello 3)"
	grep -q "alert unknown ca" "$ENS_TMP/client.out" ||
		fail "a certificate of the list's CA, sent without that CA, was not refused as of an unknown CA: $(tail -n 3 "$ENS_TMP/client.out")"
	settle "$ENS_TMP" "$LEADER" 1 2
}

# crl_refused WHAT PATTERN FILE...: a tlsCrlFile of the FILEs (in $ENS_TMP,
# in that order) keeps zabd from starting, saying PATTERN of it.
crl_refused() {
	local what=$1 pat=$2 f
	shift 2
	for f; do
		cat "$ENS_TMP/$f"
	done > "$ENS_TMP/crls.pem"
	expect_fail "$what" nsx zab1 timeout 60 "$ZABD" -c "$ENS_TMP/z1.conf"
	expect_match "crls.pem: $pat" "$OUT"
}

# crl_init [CA]: an empty revocation list of CA (ca) in $ENS_TMP/crl.pem,
# and the database openssl's `ca' keeps for it.
crl_init() {
	CRL_CA=${1:-ca}
	mkdir -p "$ENS_TMP/cadb"
	: > "$ENS_TMP/cadb/index.txt"
	echo 01 > "$ENS_TMP/cadb/crlnumber"
	printf '[ca]\ndefault_ca = d\n[d]\ndatabase = %s\ncrlnumber = %s\ndefault_md = sha256\ndefault_crl_days = 30\n' \
		"$ENS_TMP/cadb/index.txt" "$ENS_TMP/cadb/crlnumber" > "$ENS_TMP/cadb/ca.cnf"
	crl_make
}

# crl_make: $ENS_TMP/crl.pem anew, replaced whole (rename).
crl_make() {
	openssl ca -batch -config "$ENS_TMP/cadb/ca.cnf" -gencrl -keyfile "$ENS_TMP/$CRL_CA.key" \
		-cert "$ENS_TMP/$CRL_CA.pem" -out "$ENS_TMP/crl.tmp" 2> /dev/null ||
		fail "openssl: no revocation list"
	mv "$ENS_TMP/crl.tmp" "$ENS_TMP/crl.pem"
}

# crl_revoke FILE: FILE.pem revoked, in a new $ENS_TMP/crl.pem.
crl_revoke() {
	openssl ca -batch -config "$ENS_TMP/cadb/ca.cnf" -revoke "$1.pem" \
		-keyfile "$ENS_TMP/$CRL_CA.key" -cert "$ENS_TMP/$CRL_CA.pem" 2> /dev/null ||
		fail "openssl: cannot revoke $1.pem"
	crl_make
}

# out_of_ensemble I: member I neither follows nor leads.
out_of_ensemble() {
	case $(zst "$1" state) in
	following|leading) return 1 ;;
	esac
}

# auth = cert with a revocation list: zabd reads its certificate files
# again when they change, without a restart. A member whose certificate is
# revoked (a new tlsCrlFile) loses its quorum connection at once (the
# leader drops it), is refused at its next connection and stays out while
# the others commit; a revoked leader is dropped by its followers, which
# elect another; a certificate file that does not load is
# refused and the credentials before it kept; given a new certificate, the
# revoked member joins again, not restarted.
test_cert_reload() {
	local i l f o
	cert_setup
	crl_init
	for i in 1 2 3; do
		printf 'tlsCrlFile = %s\n' "$ENS_TMP/crl.pem" >> "$ENS_TMP/z$i.conf"
	done
	zabd_start 1 2 3
	wait_formed 30 1 2 3
	grep -q "revocation lists in $ENS_TMP/crl.pem" "$ENS_TMP/zabd.1.log" ||
		fail "zabd does not say it reads a revocation list"
	write_on "$ENS_TMP" a 20 1 2 3
	# a certificate file that does not load: refused, the old one kept
	cp "$ENS_TMP/m2.pem" "$ENS_TMP/m2.good"
	echo garbage > "$ENS_TMP/m2.pem"
	wait_for $((20 * ZAB_TIME_SCALE)) grep -q "keeping the certificates read before" \
		"$ENS_TMP/zabd.2.log" || fail "member 2 did not refuse its broken certificate file"
	mv "$ENS_TMP/m2.good" "$ENS_TMP/m2.pem"
	formed_still 1 2 3
	# a follower revoked: once the leader has read the list, it drops the
	# follower's quorum connection at once (ZAB_CMD_DROP_PEER), and its
	# next connections are refused
	l=$LEADER
	set -- $(others "$l" 1 2 3)
	f=$1 o=$2
	crl_revoke "$ENS_TMP/m$f"
	for i in "$l" "$o"; do
		wait_for $((20 * ZAB_TIME_SCALE)) grep -q "the certificate files changed: read again" \
			"$ENS_TMP/zabd.$i.log" || fail "member $i did not read the new revocation list"
	done
	wait_for 20 grep -q "member $f's certificate is revoked: its quorum connection is dropped" \
		"$ENS_TMP/zabd.$l.log" || fail "the leader did not drop the revoked member's connection"
	wait_for 10 grep -q "member $f disconnected (dropped)" "$ENS_TMP/zabd.$l.log" ||
		fail "the kernel did not report the connection dropped"
	! grep -q "member $o's certificate is revoked" "$ENS_TMP/zabd.$l.log" ||
		fail "the leader dropped member $o, whose certificate is good"
	wait_for 20 out_of_ensemble "$f" || fail "the revoked member still $(zst "$f" state)"
	wait_for $((30 * ZAB_TIME_SCALE)) grep -q "authentication of 10.77.0.$f failed: its certificate is refused: .*revoked" \
		"$ENS_TMP/zabd.$l.log" || fail "the revoked member was not refused: $(grep -h 'authentication of' "$ENS_TMP/zabd.$l.log" | tail -n 3)"
	grep -h "authentication of 10.77.0.$f failed" "$ENS_TMP/zabd.$l.log" | tail -n 1 | cut -c25- | sed 's/^/  /'
	write_on "$ENS_TMP" b 20 "$l" "$o"
	case $(zst "$f" state) in
	following|leading) fail "the revoked member joined" ;;
	esac
	# a new certificate for it, its zabd not restarted: it joins
	mkcert "$ENS_TMP/m$f" ca "zab member $f"
	wait_formed 60 1 2 3
	zabd_log_since_start "$f" | grep -q "the certificate files changed: read again" ||
		fail "member $f did not say it read its new certificate"
	write_on "$ENS_TMP" c 10 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
	# the leader revoked: its followers drop it once they read the list,
	# and elect a leader without it; its own files tell it too
	l=$LEADER
	set -- $(others "$l" 1 2 3)
	crl_revoke "$ENS_TMP/m$l"
	for i in "$@"; do
		wait_for 20 grep -q "member $l's certificate is revoked: its quorum connection is dropped" \
			"$ENS_TMP/zabd.$i.log" || fail "member $i did not drop its revoked leader $l"
	done
	wait_for 20 grep -q "m$l.pem: the certificate is revoked by tlsCrlFile: this member's peers refuse it" \
		"$ENS_TMP/zabd.$l.log" || fail "the revoked leader $l was not told by its own files"
	wait_formed 60 "$@"
	[ "$LEADER" != "$l" ] || fail "the revoked member $l leads again"
	wait_for 20 out_of_ensemble "$l" || fail "the revoked leader $l still $(zst "$l" state)"
	write_on "$ENS_TMP" d 10 "$@"
	settle "$ENS_TMP" "$LEADER" "$@"
	# revoked, it does not start again
	zabd_crash "$l"
	nsx "zab$l" "$ZABCTL" destroy "z$l" 2> /dev/null || true
	expect_fail "a revoked certificate" nsx "zab$l" "$ZABD" -c "$ENS_TMP/z$l.conf"
	expect_match "m$l.pem: the certificate is revoked by tlsCrlFile" "$OUT"
	# the CA taken out of tlsCaFile (and its list replaced by another
	# CA's): the new files are taken (they apply to the peers), and each
	# member says its own certificate no longer verifies against them
	mkca other
	crl_init other
	cp "$ENS_TMP/other.pem" "$ENS_TMP/ca.new"
	mv "$ENS_TMP/ca.new" "$ENS_TMP/ca.pem"
	for i in "$@"; do
		wait_for $((20 * ZAB_TIME_SCALE)) grep -q "m$i.pem: the certificate does not verify against tlsCaFile $ENS_TMP/ca.pem: no CA of tlsCaFile or of the file signed a certificate of the chain; its peers refuse it" \
			"$ENS_TMP/zabd.$i.log" || fail "member $i did not say its certificate no longer verifies: $(grep -h 'certificate' "$ENS_TMP/zabd.$i.log" | tail -n 2)"
	done
}

# encryption = tls needs the ensemble's key; a bad value is named.
test_zabd_conf() {
	zabd_setup 1
	sed -i "s/^encryption = .*/encryption = yes/" "$ENS_TMP/z1.conf"
	expect_fail "encryption = yes" nsx zab1 "$ZABD" -c "$ENS_TMP/z1.conf"
	expect_match "invalid encryption \`yes': expected tls or none" "$OUT"
	sed -i "s/^encryption = .*/encryption = tls/; /^authKeyFile/d" "$ENS_TMP/z1.conf"
	echo "auth = none" >> "$ENS_TMP/z1.conf"
	expect_fail "encryption without a key" nsx zab1 "$ZABD" -c "$ENS_TMP/z1.conf"
	expect_match "\`encryption = tls' needs \`authKeyFile'" "$OUT"
}

zab_ksft_main "$@"
