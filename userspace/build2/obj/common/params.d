build2/obj/common/params.o: common/params.c ../uapi/linux/zab.h \
 common/params.h common/err.h
../uapi/linux/zab.h:
common/params.h:
common/err.h:
