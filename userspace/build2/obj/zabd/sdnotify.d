build2/obj/zabd/sdnotify.o: zabd/sdnotify.c zabd/sdnotify.h
zabd/sdnotify.h:
