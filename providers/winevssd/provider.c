/*
 * winevssd: the providers offered to requesters.  See provider.h.
 */

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "log.h"
#include "provider.h"

#define VSS_PROV_SYSTEM   1
#define VSS_PROV_SOFTWARE 2

/* {b5946137-7b9f-4925-af80-51abd60b20d5}, the system provider's id on Windows. */
#define SYSTEM_PROVIDER_ID { { 0x37, 0x61, 0x94, 0xb5, 0x9f, 0x7b, 0x25, 0x49, \
			       0xaf, 0x80, 0x51, 0xab, 0xd6, 0x0b, 0x20, 0xd5 } }
/* {5e1f0a3c-7b2d-4c8e-9a61-2d4b8c0e5fNN}: winevss's backend providers. */
#define BACKEND_PROVIDER_ID(n) { { 0x3c, 0x0a, 0x1f, 0x5e, 0x2d, 0x7b, 0x8e, 0x4c, \
				   0x9a, 0x61, 0x2d, 0x4b, 0x8c, 0x0e, 0x5f, (n) } }

static const struct agent_provider providers[] = {
	{ "system", SYSTEM_PROVIDER_ID, VSS_PROV_SYSTEM, "Wine Software Shadow Copy provider 1.0", NULL },
	{ "btrfs", BACKEND_PROVIDER_ID(1), VSS_PROV_SOFTWARE, "winevss btrfs snapshot provider", &snap_provider_btrfs },
	{ "reflink", BACKEND_PROVIDER_ID(2), VSS_PROV_SOFTWARE, "winevss reflink provider", &snap_provider_reflink },
	{ "copy", BACKEND_PROVIDER_ID(3), VSS_PROV_SOFTWARE, "winevss copy provider", &snap_provider_copy },
	{ "lvm-thin", BACKEND_PROVIDER_ID(4), VSS_PROV_SOFTWARE, "winevss LVM thin provider", &snap_provider_lvm_thin },
	{ "zfs", BACKEND_PROVIDER_ID(5), VSS_PROV_SOFTWARE, "winevss ZFS provider", &snap_provider_zfs },
};

static bool provider_offered(const struct agent_provider *p)
{
	return !p->snap || snap_provider_available(p->snap);
}

/* Only the providers this host can use are offered (lvm-thin and zfs need
 * their tools). */
const struct agent_provider *provider_get(size_t index)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
		if (provider_offered(&providers[i]) && n++ == index)
			return &providers[i];
	return NULL;
}

const struct agent_provider *provider_system(void)
{
	return &providers[0];
}

const struct agent_provider *provider_by_id(const struct proto_guid *id)
{
	const struct agent_provider *p;
	size_t i;

	for (i = 0; (p = provider_get(i)); i++)
		if (guid_equal(&p->id, id))
			return p;
	return NULL;
}

const struct agent_provider *provider_for_snap(const struct snap_provider *snap)
{
	const struct agent_provider *p;
	size_t i;

	for (i = 0; (p = provider_get(i)); i++)
		if (p->snap == snap)
			return p;
	return NULL;
}

int provider_resolve(const struct agent_provider *p, const char *root, const char *storage_dir,
		     const struct snap_provider **backend, unsigned int *caps)
{
	struct snap_probe probe = { .caps = 0 };
	enum snap_error err;

	if (!p->snap)
		err = snap_provider_choose(root, storage_dir, backend, &probe);
	else if (!(err = p->snap->probe(root, storage_dir, &probe)))
		*backend = p->snap;
	*caps = probe.caps;

	switch (err) {
	case SNAP_OK:
		return PROTO_OK;
	case SNAP_ERROR_NOT_FOUND:
		return PROTO_E_NOT_FOUND;
	case SNAP_ERROR_NOT_SUPPORTED:
		return p->snap ? PROTO_E_NOT_SUPPORTED_BY_PROVIDER : PROTO_E_VOLUME_NOT_SUPPORTED;
	case SNAP_ERROR_PERMISSION:
		return PROTO_E_DENIED;
	default:
		return PROTO_E_VOLUME_NOT_SUPPORTED;
	}
}

static const struct agent_provider *provider_by_name(const char *name)
{
	const struct agent_provider *p;
	size_t i;

	for (i = 1; (p = provider_get(i)); i++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

const struct agent_provider *provider_configured(const char *state_dir, char letter)
{
	const struct agent_provider *found = NULL;
	char path[4096], line[256], drive[8], name[64];
	unsigned int number = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/providers.conf", state_dir);
	if (!(f = fopen(path, "re")))
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		number++;
		line[strcspn(line, "#\n")] = 0;
		if (sscanf(line, " %7s %63s", drive, name) != 2)
			continue;
		if (strlen(drive) != 2 || drive[1] != ':' || tolower((unsigned char)drive[0]) != tolower((unsigned char)letter))
			continue;
		if (!(found = provider_by_name(name)))
			log_error("%s:%u: unknown provider '%s'", path, number, name);
	}
	fclose(f);
	return found;
}
