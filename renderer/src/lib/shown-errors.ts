// When a form shows its errors: one rule for the sweep form and the add-a-target form.
import { computed, reactive, ref, watch } from 'vue'

export type FormErrors = Partial<Record<string, string>>

/**
 * A field's error shows once the person has changed or left that field, or once an edit of theirs elsewhere made it
 * wrong (a rule across fields: more pools, too many cells); every error shows once they pressed the form's button.
 * A field they have not reached yet (the empty command that appears with "Your program") is unfilled, not wrong.
 * From then on each shown error follows the typing. `present` names the fields on screen (all when omitted): one
 * that appears because of an edit is not made wrong by it. A form made right again starts afresh: a press shows
 * the errors of that one try, not of every form after it.
 */
export function useShownErrors(errors: () => FormErrors, present?: () => ReadonlySet<string>) {
  const touched = reactive(new Set<string>())
  const pressed = ref(false)

  const shown = computed<FormErrors>(() => {
    const all = errors()
    if (pressed.value) return all
    return Object.fromEntries(Object.entries(all).filter(([name]) => touched.has(name)))
  })

  /** The person changes a field: `change` writes the value; the fields it turned wrong speak too. */
  function edit(name: string, change: () => void): void {
    const before = errors()
    const there = present?.()
    change()
    touched.add(name)
    for (const [other, message] of Object.entries(errors()))
      if (message !== before[other] && (!there || there.has(other))) touched.add(other)
  }

  /** The person leaves a field (blur), changed or not. */
  function leave(name: string): void {
    touched.add(name)
  }

  /** The form's button was pressed: every error shows, whether or not its field was reached. */
  function press(): void {
    pressed.value = true
  }

  /** A fresh form (reset, or another run's settings): nothing reached, nothing pressed. */
  function forget(): void {
    touched.clear()
    pressed.value = false
  }

  // Once the form is right again, a press is spent: a field that appears or goes wrong later waits to be reached.
  watch(
    () => Object.values(errors()).some(Boolean),
    (wrong) => {
      if (!wrong) forget()
    },
  )

  return { shown, edit, leave, press, forget }
}
