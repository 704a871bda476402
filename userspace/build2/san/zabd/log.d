build2/san/zabd/log.o: zabd/log.c zabd/log.h
zabd/log.h:
