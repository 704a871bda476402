build2/san/zabd/sock.o: zabd/sock.c zabd/sock.h
zabd/sock.h:
