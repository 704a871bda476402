build2/san/test_auth.o: ../tests/unit/test_auth.c \
 /work/main/userspace/zabd/auth.h /work/main/userspace/common/err.h \
 /work/main/userspace/zabd/sock.h /work/main/userspace/zabd/tls.h
/work/main/userspace/zabd/auth.h:
/work/main/userspace/common/err.h:
/work/main/userspace/zabd/sock.h:
/work/main/userspace/zabd/tls.h:
