build2/san/lib/name.o: lib/name.c ../uapi/linux/zab.h lib/name.h
../uapi/linux/zab.h:
lib/name.h:
