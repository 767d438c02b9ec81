/**
 * Shows a native `<dialog>` as a modal for as long as its component is mounted. Call it in a
 * `$effect` and return what it returns. Closing the native dialog before unmount returns the
 * focus to the element that opened it, which a removed-while-open dialog would not do. Escape
 * closes the native dialog by itself; `onclose` tells the owner, so it unmounts the component.
 */
export function showModalWhileMounted(dialog: HTMLDialogElement, onclose: () => void): () => void {
  let unmounting = false;
  const onNativeClose = () => {
    if (!unmounting) onclose();
  };
  dialog.addEventListener("close", onNativeClose);
  dialog.showModal();
  return () => {
    unmounting = true;
    dialog.removeEventListener("close", onNativeClose);
    if (dialog.open) dialog.close();
  };
}
