/* Attack: a host file pulled into the build, shown in the compiler's errors. */
#include "@SECRET@"
