build2/san/common/fmt.o: common/fmt.c ../uapi/linux/zab.h common/fmt.h \
 common/info.h common/params.h common/err.h
../uapi/linux/zab.h:
common/fmt.h:
common/info.h:
common/params.h:
common/err.h:
