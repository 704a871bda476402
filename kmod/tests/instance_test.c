// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: instance names and the instance registry (kmod/instance.c), over
 * fakes of the char device and the broadcast (fakes.c).
 */
#include <kunit/test.h>

#include "kmod/instance.c"
#include "kmod/tests/fakes.h"

struct name_case {
	const char *name;
	bool valid;
	const char *desc;
};

static const struct name_case name_cases[] = {
	{ "a", true, "one letter" },
	{ "0", true, "one digit" },
	{ "orders", true, "a word" },
	{ "A-b_c.d", true, "every punctuation allowed" },
	{ "a.", true, "ending with a dot" },
	{ "-", true, "a dash alone" },
	{ "_", true, "an underscore alone" },
	{ "abcdefghijklmnopqrstuvwxyz01234", true, "31 bytes" },
	{ "abcdefghijklmnopqrstuvwxyz012345", false, "32 bytes" },
	{ "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz", false,
	  "63 bytes" },
	{ "", false, "empty" },
	{ ".", false, "a dot" },
	{ "..", false, "two dots" },
	{ ".hidden", false, "starting with a dot" },
	{ "a/b", false, "a slash" },
	{ "a b", false, "a space" },
	{ "a\tb", false, "a tab" },
	{ "a\n", false, "a newline" },
	{ "a:b", false, "a colon" },
	{ "a*", false, "a star" },
	{ "\x7f", false, "DEL" },
	{ "caf\xc3\xa9", false, "UTF-8 e acute" },
	{ "\xc0", false, "byte 0xc0 (a Latin-1 letter)" },
	{ "\xe9t\xe9", false, "Latin-1 e acute" },
	{ "\xb5", false, "byte 0xb5 (micro sign)" },
	{ "\xff", false, "byte 0xff" },
};

static void name_case_desc(const struct name_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(name, name_cases, name_case_desc);

static void name_check(struct kunit *test)
{
	const struct name_case *c = test->param_value;

	KUNIT_EXPECT_EQ_MSG(test, zab_name_check(c->name), c->valid ? 0 : -EINVAL,
			    "name \"%*pE\"", (int)strlen(c->name), c->name);
}

/* Only the NUL-terminated prefix counts. */
static void name_check_stops_at_nul(struct kunit *test)
{
	static const char buf[] = "ok\0/ bad";

	KUNIT_EXPECT_EQ(test, zab_name_check(buf), 0);
}

static struct kunit_case name_cases_list[] = {
	KUNIT_CASE_PARAM(name_check, name_gen_params),
	KUNIT_CASE(name_check_stops_at_nul),
	{}
};

static struct kunit_suite name_suite = {
	.name = "zab_name",
	.test_cases = name_cases_list,
};

/* The registry: create, look up, destroy; over the fakes. */

static int registry_init(struct kunit *test)
{
	zab_fakes_reset();
	return 0;
}

static void registry_exit(struct kunit *test)
{
	/* whatever a failed case left behind */
	zab_instance_destroy_all();
}

static struct zab_instance *create(struct kunit *test, const char *name, u32 id)
{
	struct zab_params p;
	struct zab_instance *zi;

	zab_params_default(&p);
	zi = zab_instance_create(&init_net, name, id, &p);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, zi);
	return zi;
}

static void registry_create_destroy(struct kunit *test)
{
	struct zab_instance *zi, *found;
	struct zab_params p;

	zab_params_default(&p);
	p.tick_ms = 123;
	zi = zab_instance_create(&init_net, "kt-a", 7, &p);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, zi);
	KUNIT_EXPECT_STREQ(test, zi->name, "kt-a");
	KUNIT_EXPECT_EQ(test, zi->myid, 7);
	KUNIT_EXPECT_EQ(test, zi->state, ZAB_STATE_LOOKING);
	KUNIT_EXPECT_EQ(test, zi->params.tick_ms, 123);
	KUNIT_EXPECT_EQ(test, zi->params.window_bytes, ZAB_WINDOW_BYTES_DEFAULT);
	KUNIT_EXPECT_FALSE(test, zi->dead);
	KUNIT_EXPECT_EQ(test, zab_fakes.chardev_adds, 1);
	/* the registry's reference and the caller's */
	KUNIT_EXPECT_EQ(test, kref_read(&zi->ref), 2);

	found = zab_instance_lookup(&init_net, "kt-a");
	KUNIT_EXPECT_PTR_EQ(test, found, zi);
	zab_instance_put(found);
	KUNIT_EXPECT_NULL(test, zab_instance_lookup(&init_net, "kt-b"));
	KUNIT_EXPECT_NULL(test, zab_instance_lookup(&init_net, "kt-"));
	found = zab_instance_get_by_minor(zi->minor);
	KUNIT_EXPECT_PTR_EQ(test, found, zi);
	zab_instance_put(found);

	zab_instance_destroy(zi);
	KUNIT_EXPECT_TRUE(test, zi->dead);
	KUNIT_EXPECT_EQ(test, zab_fakes.shutdowns, 1);
	KUNIT_EXPECT_EQ(test, zab_fakes.chardev_dels, 1);
	KUNIT_EXPECT_NULL(test, zab_instance_lookup(&init_net, "kt-a"));
	KUNIT_EXPECT_NULL(test, zab_instance_get_by_minor(zi->minor));
	/* only the caller's reference is left, and destroying again is a no-op */
	KUNIT_EXPECT_EQ(test, kref_read(&zi->ref), 1);
	zab_instance_destroy(zi);
	KUNIT_EXPECT_EQ(test, zab_fakes.shutdowns, 1);
	KUNIT_EXPECT_EQ(test, zab_fakes.chardev_dels, 1);
	zab_instance_put(zi);
}

static void registry_duplicate(struct kunit *test)
{
	struct zab_instance *a, *b;
	struct zab_params p;

	a = create(test, "kt-dup", 1);
	zab_params_default(&p);
	b = zab_instance_create(&init_net, "kt-dup", 2, &p);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(b), -EEXIST);
	b = zab_instance_lookup(&init_net, "kt-dup");
	KUNIT_EXPECT_PTR_EQ(test, b, a);
	zab_instance_put(b);
	/* names compare whole */
	b = create(test, "kt-dup2", 2);
	zab_instance_destroy(b);
	zab_instance_put(b);
	zab_instance_destroy(a);
	zab_instance_put(a);
	/* the name is free again */
	a = create(test, "kt-dup", 3);
	zab_instance_destroy(a);
	zab_instance_put(a);
}

/* A char device that cannot be added leaves nothing behind. */
static void registry_chardev_error(struct kunit *test)
{
	struct zab_instance *zi;
	struct zab_params p;
	int minor;

	zi = create(test, "kt-ce", 1);
	minor = zi->minor;
	zab_instance_destroy(zi);
	zab_instance_put(zi);

	zab_params_default(&p);
	zab_fakes.chardev_err = -EIO;
	zi = zab_instance_create(&init_net, "kt-ce", 1, &p);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(zi), -EIO);
	zab_fakes.chardev_err = 0;
	KUNIT_EXPECT_NULL(test, zab_instance_lookup(&init_net, "kt-ce"));
	KUNIT_EXPECT_NULL(test, zab_instance_get_by_minor(minor));
	KUNIT_EXPECT_EQ(test, zab_fakes.shutdowns, 1);

	/* the minor was given back */
	zi = create(test, "kt-ce", 1);
	KUNIT_EXPECT_EQ(test, zi->minor, minor);
	zab_instance_destroy(zi);
	zab_instance_put(zi);
}

static struct zab_instance *made_meanwhile;

static void create_meanwhile(struct zab_instance *dying)
{
	struct zab_params p;

	zab_params_default(&p);
	made_meanwhile = zab_instance_create(&init_net, dying->name, 2, &p);
}

/*
 * An instance being destroyed keeps its name and minor until its char device
 * is gone: an instance created while it shuts down (its name reused, its
 * minor the lowest free) does not collide with the old device.
 */
static void registry_destroy_frees_minor_last(struct kunit *test)
{
	struct zab_instance *a, *found;

	made_meanwhile = NULL;
	a = create(test, "kt-dying", 1);
	zab_fakes.on_shutdown = create_meanwhile;
	zab_instance_destroy(a);
	zab_fakes.on_shutdown = NULL;
	zab_instance_put(a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, made_meanwhile);
	found = zab_instance_get_by_minor(made_meanwhile->minor);
	KUNIT_EXPECT_PTR_EQ(test, found, made_meanwhile);
	zab_instance_put(found);
	zab_instance_destroy(made_meanwhile);
	zab_instance_put(made_meanwhile);
}

/* At most ZAB_MAX_INSTANCES instances; then -ENOSPC, and room again. */
static void registry_full(struct kunit *test)
{
	struct zab_instance *zi;
	struct zab_params p;
	char name[16];
	int i;

	zab_params_default(&p);
	for (i = 0; i < ZAB_MAX_INSTANCES; i++) {
		snprintf(name, sizeof(name), "kt-%d", i);
		zi = zab_instance_create(&init_net, name, 1, &p);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, zi);
		zab_instance_put(zi);
	}
	zi = zab_instance_create(&init_net, "kt-one-more", 1, &p);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(zi), -ENOSPC);

	zi = zab_instance_lookup(&init_net, "kt-500");
	KUNIT_ASSERT_NOT_NULL(test, zi);
	zab_instance_destroy(zi);
	zab_instance_put(zi);
	zi = zab_instance_create(&init_net, "kt-one-more", 1, &p);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, zi);
	zab_instance_put(zi);

	zab_instance_destroy_all();
	KUNIT_EXPECT_NULL(test, zab_instance_get_nth(&init_net, 0));
	KUNIT_EXPECT_EQ(test, zab_fakes.shutdowns, ZAB_MAX_INSTANCES + 1);
}

static void registry_nth(struct kunit *test)
{
	struct zab_instance *a, *b, *c, *zi;

	a = create(test, "kt-n1", 1);
	b = create(test, "kt-n2", 2);
	c = create(test, "kt-n3", 3);

	zi = zab_instance_get_nth(&init_net, 0);
	KUNIT_EXPECT_PTR_EQ(test, zi, a);
	zab_instance_put(zi);
	zi = zab_instance_get_nth(&init_net, 2);
	KUNIT_EXPECT_PTR_EQ(test, zi, c);
	zab_instance_put(zi);
	KUNIT_EXPECT_NULL(test, zab_instance_get_nth(&init_net, 3));
	KUNIT_EXPECT_NULL(test, zab_instance_get_nth(&init_net, ULONG_MAX));

	zab_instance_destroy(b);
	zi = zab_instance_get_nth(&init_net, 1);
	KUNIT_EXPECT_PTR_EQ(test, zi, c);
	zab_instance_put(zi);

	zab_instance_destroy_net(&init_net);
	KUNIT_EXPECT_TRUE(test, a->dead);
	KUNIT_EXPECT_TRUE(test, c->dead);
	KUNIT_EXPECT_NULL(test, zab_instance_get_nth(&init_net, 0));
	zab_instance_put(a);
	zab_instance_put(b);
	zab_instance_put(c);
}

/* A holder (an open file, a netlink request) keeps a dead instance alive. */
static void registry_ref_outlives_destroy(struct kunit *test)
{
	struct zab_instance *zi = create(test, "kt-ref", 1);
	struct zab_instance *held = zab_instance_lookup(&init_net, "kt-ref");

	KUNIT_ASSERT_PTR_EQ(test, held, zi);
	zab_instance_destroy(zi);
	zab_instance_put(zi);
	/* KASAN reports it if the instance was freed */
	KUNIT_EXPECT_TRUE(test, READ_ONCE(held->dead));
	KUNIT_EXPECT_STREQ(test, held->name, "kt-ref");
	KUNIT_EXPECT_EQ(test, kref_read(&held->ref), 1);
	zab_instance_put(held);
}

static struct kunit_case registry_cases[] = {
	KUNIT_CASE(registry_create_destroy),
	KUNIT_CASE(registry_duplicate),
	KUNIT_CASE(registry_chardev_error),
	KUNIT_CASE(registry_destroy_frees_minor_last),
	KUNIT_CASE(registry_full),
	KUNIT_CASE(registry_nth),
	KUNIT_CASE(registry_ref_outlives_destroy),
	{}
};

static struct kunit_suite registry_suite = {
	.name = "zab_registry",
	.init = registry_init,
	.exit = registry_exit,
	.test_cases = registry_cases,
};

kunit_test_suites(&name_suite, &registry_suite);
