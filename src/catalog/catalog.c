/* stub: implementation pending */
#include "core/compat.h"
