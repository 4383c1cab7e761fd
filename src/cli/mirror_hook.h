// The after-sync hook of `swfvault sync` (src/cli/sync_command.cc): brings the config's
// [[mirror]] targets up to date (each with its own settings and the config's [upload]
// defaults) and uploads their drop folders and local edits as `profile`. Implemented in
// mirror_command.cc. Reports through ctx.output(); returns an exit code (kExitOk, kExitPartial
// when files were refused, left for the next run or an edit could not be uploaded, or the code
// of a target-wide failure). A requested `stop` ends it between two files (kExitInterrupted).
#ifndef SWFVAULT_CLI_MIRROR_HOOK_H_
#define SWFVAULT_CLI_MIRROR_HOOK_H_

#include "cli/command.h"
#include "swfvault/config.h"
#include "swfvault/stop_flag.h"
#include "swfvault/swf_client.h"
#include "swfvault/vault.h"

namespace swfvault {

// `ceiling`: the sync run's (its --max-level, the profile's, the vault's own): what the uploads
// bring into the vault stays within it as the run's downloads do.
int MirrorAfterSync(CommandContext& ctx, Vault& vault, const Config& config,
                    const ConnectionProfile& profile, Confidentiality ceiling, SwfClient& client,
                    const StopFlag& stop);

}  // namespace swfvault

#endif  // SWFVAULT_CLI_MIRROR_HOOK_H_
