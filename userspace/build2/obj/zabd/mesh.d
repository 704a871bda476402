build2/obj/zabd/mesh.o: zabd/mesh.c zabd/auth.h \
 /work/main/userspace/common/err.h zabd/sock.h zabd/tls.h zabd/log.h \
 zabd/mesh.h zabd/ensemble.h zabd/conf.h ../uapi/linux/zab.h \
 /work/main/userspace/common/devaccess.h \
 /work/main/userspace/common/params.h /work/main/userspace/common/err.h \
 zabd/loop.h zabd/vote.h
zabd/auth.h:
/work/main/userspace/common/err.h:
zabd/sock.h:
zabd/tls.h:
zabd/log.h:
zabd/mesh.h:
zabd/ensemble.h:
zabd/conf.h:
../uapi/linux/zab.h:
/work/main/userspace/common/devaccess.h:
/work/main/userspace/common/params.h:
/work/main/userspace/common/err.h:
zabd/loop.h:
zabd/vote.h:
