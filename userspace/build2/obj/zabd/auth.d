build2/obj/zabd/auth.o: zabd/auth.c ../uapi/linux/zab.h zabd/auth.h \
 /work/main/userspace/common/err.h zabd/sock.h zabd/tls.h \
 zabd/handshake.h zabd/log.h zabd/loop.h zabd/vote.h zabd/wire.h
../uapi/linux/zab.h:
zabd/auth.h:
/work/main/userspace/common/err.h:
zabd/sock.h:
zabd/tls.h:
zabd/handshake.h:
zabd/log.h:
zabd/loop.h:
zabd/vote.h:
zabd/wire.h:
