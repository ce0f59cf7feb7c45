/* stub */
#include "core/compat.h"
