build2/obj/zabd/loop.o: zabd/loop.c zabd/loop.h
zabd/loop.h:
