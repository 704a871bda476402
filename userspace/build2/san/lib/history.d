build2/san/lib/history.o: lib/history.c \
 /work/main/userspace/disk/disklog.h lib/libzab.h ../uapi/linux/zab.h
/work/main/userspace/disk/disklog.h:
lib/libzab.h:
../uapi/linux/zab.h:
