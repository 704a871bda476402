build2/san/zabd/ensemble.o: zabd/ensemble.c zabd/ensemble.h zabd/conf.h \
 ../uapi/linux/zab.h /work/main/userspace/common/devaccess.h \
 /work/main/userspace/common/err.h /work/main/userspace/common/params.h \
 /work/main/userspace/common/err.h zabd/sock.h
zabd/ensemble.h:
zabd/conf.h:
../uapi/linux/zab.h:
/work/main/userspace/common/devaccess.h:
/work/main/userspace/common/err.h:
/work/main/userspace/common/params.h:
/work/main/userspace/common/err.h:
zabd/sock.h:
