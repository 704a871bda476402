build2/obj/common/devaccess.o: common/devaccess.c \
 /work/main/userspace/common/devaccess.h \
 /work/main/userspace/common/err.h
/work/main/userspace/common/devaccess.h:
/work/main/userspace/common/err.h:
