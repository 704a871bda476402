build2/san/zabctl/reader.o: zabctl/reader.c \
 /work/main/userspace/lib/libzab.h ../uapi/linux/zab.h zabctl/reader.h \
 zabctl/rec.h /work/main/userspace/common/err.h
/work/main/userspace/lib/libzab.h:
../uapi/linux/zab.h:
zabctl/reader.h:
zabctl/rec.h:
/work/main/userspace/common/err.h:
