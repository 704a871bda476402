build2/obj/zabctl/rec.o: zabctl/rec.c \
 /work/main/userspace/common/params.h /work/main/userspace/common/err.h \
 zabctl/rec.h ../uapi/linux/zab.h /work/main/userspace/common/err.h
/work/main/userspace/common/params.h:
/work/main/userspace/common/err.h:
zabctl/rec.h:
../uapi/linux/zab.h:
/work/main/userspace/common/err.h:
