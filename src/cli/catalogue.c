/* stub */
#include "core/compat.h"
#include "cli/cli.h"

int cmd_catalogue(struct cli_ctx *c, int argc, char **argv)
{
    return err_set(&c->err, ERR_INTERNAL, "pas encore disponible");
}
