build2/pic/disk/disklog.o: disk/disklog.c ../uapi/linux/zab.h \
 disk/crc32c.h disk/disklog.h
../uapi/linux/zab.h:
disk/crc32c.h:
disk/disklog.h:
