build2/obj/zabd/datadir.o: zabd/datadir.c zabd/datadir.h \
 /work/main/userspace/common/err.h
zabd/datadir.h:
/work/main/userspace/common/err.h:
