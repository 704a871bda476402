build2/obj/zabd/sock.o: zabd/sock.c zabd/sock.h
zabd/sock.h:
