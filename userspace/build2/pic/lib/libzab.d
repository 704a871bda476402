build2/pic/lib/libzab.o: lib/libzab.c lib/libzab.h ../uapi/linux/zab.h \
 lib/name.h
lib/libzab.h:
../uapi/linux/zab.h:
lib/name.h:
