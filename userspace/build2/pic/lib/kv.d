build2/pic/lib/kv.o: lib/kv.c lib/libzab.h ../uapi/linux/zab.h
lib/libzab.h:
../uapi/linux/zab.h:
