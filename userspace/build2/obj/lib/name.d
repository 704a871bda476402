build2/obj/lib/name.o: lib/name.c ../uapi/linux/zab.h lib/name.h
../uapi/linux/zab.h:
lib/name.h:
