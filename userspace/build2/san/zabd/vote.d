build2/san/zabd/vote.o: zabd/vote.c ../uapi/linux/zab.h zabd/vote.h \
 zabd/wire.h
../uapi/linux/zab.h:
zabd/vote.h:
zabd/wire.h:
