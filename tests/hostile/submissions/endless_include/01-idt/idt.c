/* Attack: a build that never ends (each level includes this file twice). */
#include __FILE__
#include __FILE__
