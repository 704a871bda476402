build2/san/zabd/loop.o: zabd/loop.c zabd/loop.h
zabd/loop.h:
