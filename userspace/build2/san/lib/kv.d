build2/san/lib/kv.o: lib/kv.c lib/libzab.h ../uapi/linux/zab.h
lib/libzab.h:
../uapi/linux/zab.h:
