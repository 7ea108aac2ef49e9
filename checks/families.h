/* Every family table, declared once for the registry. */
#pragma once
#include "registry.h"

extern const struct cg_family family_gen;
extern const struct cg_family family_secrets;
