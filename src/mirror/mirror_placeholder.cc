// Placeholder translation unit until the mirror module lands.
namespace swfvault {
int MirrorModulePlaceholder() { return 0; }
}  // namespace swfvault
