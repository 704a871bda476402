build2/obj/zabd/promfmt.o: zabd/promfmt.c \
 /work/main/userspace/common/fmt.h /work/main/userspace/common/info.h \
 ../uapi/linux/zab.h /work/main/userspace/common/params.h \
 /work/main/userspace/common/err.h zabd/promfmt.h \
 /work/main/userspace/common/info.h
/work/main/userspace/common/fmt.h:
/work/main/userspace/common/info.h:
../uapi/linux/zab.h:
/work/main/userspace/common/params.h:
/work/main/userspace/common/err.h:
zabd/promfmt.h:
/work/main/userspace/common/info.h:
