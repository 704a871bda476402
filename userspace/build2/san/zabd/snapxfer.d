build2/san/zabd/snapxfer.o: zabd/snapxfer.c ../uapi/linux/zab.h \
 zabd/handshake.h /work/main/userspace/common/snapshot.h \
 /work/main/userspace/disk/disklog.h zabd/auth.h \
 /work/main/userspace/common/err.h zabd/sock.h zabd/tls.h zabd/snapxfer.h \
 zabd/wire.h
../uapi/linux/zab.h:
zabd/handshake.h:
/work/main/userspace/common/snapshot.h:
/work/main/userspace/disk/disklog.h:
zabd/auth.h:
/work/main/userspace/common/err.h:
zabd/sock.h:
zabd/tls.h:
zabd/snapxfer.h:
zabd/wire.h:
