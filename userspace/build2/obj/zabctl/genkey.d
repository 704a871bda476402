build2/obj/zabctl/genkey.o: zabctl/genkey.c zabctl/subcommands.h \
 /work/main/userspace/common/devaccess.h \
 /work/main/userspace/common/err.h /work/main/userspace/common/nl.h \
 /work/main/userspace/common/info.h ../uapi/linux/zab.h \
 /work/main/userspace/common/params.h /work/main/userspace/common/err.h \
 /work/main/userspace/common/msg.h /usr/include/libnl3/netlink/msg.h \
 /usr/include/libnl3/netlink/netlink.h \
 /usr/include/libnl3/netlink/netlink-compat.h \
 /usr/include/libnl3/netlink/version.h \
 /usr/include/libnl3/netlink/errno.h /usr/include/libnl3/netlink/types.h \
 /usr/include/libnl3/netlink/handlers.h \
 /usr/include/libnl3/netlink/netlink-kernel.h \
 /usr/include/libnl3/netlink/socket.h \
 /usr/include/libnl3/netlink/object.h /usr/include/libnl3/netlink/utils.h \
 /usr/include/libnl3/netlink/list.h /usr/include/libnl3/netlink/attr.h \
 /usr/include/libnl3/netlink/addr.h /usr/include/libnl3/netlink/data.h
zabctl/subcommands.h:
/work/main/userspace/common/devaccess.h:
/work/main/userspace/common/err.h:
/work/main/userspace/common/nl.h:
/work/main/userspace/common/info.h:
../uapi/linux/zab.h:
/work/main/userspace/common/params.h:
/work/main/userspace/common/err.h:
/work/main/userspace/common/msg.h:
/usr/include/libnl3/netlink/msg.h:
/usr/include/libnl3/netlink/netlink.h:
/usr/include/libnl3/netlink/netlink-compat.h:
/usr/include/libnl3/netlink/version.h:
/usr/include/libnl3/netlink/errno.h:
/usr/include/libnl3/netlink/types.h:
/usr/include/libnl3/netlink/handlers.h:
/usr/include/libnl3/netlink/netlink-kernel.h:
/usr/include/libnl3/netlink/socket.h:
/usr/include/libnl3/netlink/object.h:
/usr/include/libnl3/netlink/utils.h:
/usr/include/libnl3/netlink/list.h:
/usr/include/libnl3/netlink/attr.h:
/usr/include/libnl3/netlink/addr.h:
/usr/include/libnl3/netlink/data.h:
