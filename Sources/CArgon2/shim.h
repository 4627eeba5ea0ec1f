#ifndef FUNNEL_CARGON2_SHIM_H
#define FUNNEL_CARGON2_SHIM_H
#include <argon2.h>
#endif
