build2/pic/disk/crc32c.o: disk/crc32c.c disk/crc32c.h
disk/crc32c.h:
