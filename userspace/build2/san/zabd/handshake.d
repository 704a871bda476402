build2/san/zabd/handshake.o: zabd/handshake.c ../uapi/linux/zab.h \
 zabd/handshake.h zabd/wire.h
../uapi/linux/zab.h:
zabd/handshake.h:
zabd/wire.h:
