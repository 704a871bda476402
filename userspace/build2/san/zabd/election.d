build2/san/zabd/election.o: zabd/election.c zabd/election.h \
 ../uapi/linux/zab.h zabd/vote.h
zabd/election.h:
../uapi/linux/zab.h:
zabd/vote.h:
