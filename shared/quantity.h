/*
 * quantity.h - resource.Quantity text as kube-apiserver writes it back.
 *
 * A quantity ("500m", "1.5Gi", "2e3") parses to an exact decimal value and
 * the format its suffix implies (binary "Ki".."Ei", decimal "n".."E", or a
 * decimal exponent "e<n>"), and prints in canonical form: the largest
 * suffix of that format that keeps the number an integer, with no loss of
 * precision ("1024Mi" -> "1Gi", "1.5Gi" -> "1536Mi", "0.5" -> "500m",
 * "1000m" -> "1"). This follows k8s.io/apimachinery/pkg/api/resource
 * (quantity.go, amount.go, suffix.go) of v1.32, quirks included:
 *
 *   - text that ParseQuantity recognises as already canonical is returned
 *     unchanged, including a leading "+" or leading zeros ("+1Gi", "01Gi",
 *     "1e3");
 *   - values are rounded away from zero to the nanounit ("0.1n" -> "1n");
 *   - binary values are capped at 2^63-1, and binary values below 1024 or
 *     with a fraction print as decimal ("0.5Ki" -> "512", "1.5Ki" -> "1536");
 *   - a decimal value whose exponent has no suffix prints without one
 *     ("1000E" -> "1", as upstream's suffix lookup silently fails).
 *
 * Exponents beyond the int32 range are not wrapped as Go wraps them.
 */
#ifndef PGKUBE_QUANTITY_H
#define PGKUBE_QUANTITY_H

#include "shared/arena.h"

/*
 * The canonical text of a quantity, allocated in a; NULL when ParseQuantity
 * rejects the text. The caller trims surrounding white space first, as
 * Quantity.UnmarshalJSON does.
 */
const char *quantity_canonical(struct arena *a, const char *text);

#endif
