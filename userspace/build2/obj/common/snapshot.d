build2/obj/common/snapshot.o: common/snapshot.c ../uapi/linux/zab.h \
 /work/main/userspace/disk/crc32c.h /work/main/userspace/lib/libzab.h \
 common/snapshot.h /work/main/userspace/disk/disklog.h
../uapi/linux/zab.h:
/work/main/userspace/disk/crc32c.h:
/work/main/userspace/lib/libzab.h:
common/snapshot.h:
/work/main/userspace/disk/disklog.h:
