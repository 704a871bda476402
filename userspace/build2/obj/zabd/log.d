build2/obj/zabd/log.o: zabd/log.c zabd/log.h
zabd/log.h:
