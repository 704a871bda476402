build2/obj/zabd/conf.o: zabd/conf.c zabd/conf.h ../uapi/linux/zab.h \
 /work/main/userspace/common/devaccess.h \
 /work/main/userspace/common/err.h /work/main/userspace/common/params.h \
 /work/main/userspace/common/err.h /work/main/userspace/common/fmt.h \
 /work/main/userspace/common/info.h /work/main/userspace/common/params.h \
 /work/main/userspace/lib/name.h
zabd/conf.h:
../uapi/linux/zab.h:
/work/main/userspace/common/devaccess.h:
/work/main/userspace/common/err.h:
/work/main/userspace/common/params.h:
/work/main/userspace/common/err.h:
/work/main/userspace/common/fmt.h:
/work/main/userspace/common/info.h:
/work/main/userspace/common/params.h:
/work/main/userspace/lib/name.h:
