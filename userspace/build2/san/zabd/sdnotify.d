build2/san/zabd/sdnotify.o: zabd/sdnotify.c zabd/sdnotify.h
zabd/sdnotify.h:
