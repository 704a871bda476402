build2/obj/zabd/tls.o: zabd/tls.c ../uapi/linux/zab.h zabd/auth.h \
 /work/main/userspace/common/err.h zabd/sock.h zabd/tls.h \
 zabd/handshake.h zabd/vote.h zabd/wire.h
../uapi/linux/zab.h:
zabd/auth.h:
/work/main/userspace/common/err.h:
zabd/sock.h:
zabd/tls.h:
zabd/handshake.h:
zabd/vote.h:
zabd/wire.h:
