build2/obj/zabd/handshake.o: zabd/handshake.c ../uapi/linux/zab.h \
 zabd/handshake.h zabd/wire.h
../uapi/linux/zab.h:
zabd/handshake.h:
zabd/wire.h:
