build2/obj/common/info.o: common/info.c common/info.h ../uapi/linux/zab.h \
 common/params.h common/err.h
common/info.h:
../uapi/linux/zab.h:
common/params.h:
common/err.h:
