/* stub */
#include "core/compat.h"
#include "cli/cli.h"

int cmd_user(struct cli_ctx *c, int argc, char **argv)
{
    return err_set(&c->err, ERR_INTERNAL, "pas encore disponible");
}
