// The speaker choice of the system check, where the browser can send sound to a chosen
// output (setSinkId): Chrome, Edge and Firefox on a computer. Safari cannot, and phones
// list no outputs, so there the choice stays hidden rather than offering nothing. The
// choice plays the test tone and later the advisor's sound.

import { addTexts, t } from "../common/i18n.js";
import { canChooseSpeaker } from "./browser.js";
import { setToneOutput } from "./checks.js";

addTexts({
  de: { "speaker.choose": "Lautsprecher:", "speaker.unnamed": "Lautsprecher {number}" },
  en: { "speaker.choose": "Speakers:", "speaker.unnamed": "Speakers {number}" },
});

export class SpeakerChoice {
  /** `row` holds the label and the `select`; both stay hidden unless there is a choice. */
  constructor({ row, select }) {
    this.row = row;
    this.select = select;
    this.deviceId = "";
    select.addEventListener("change", () => {
      this.deviceId = select.value;
      setToneOutput(this.deviceId);
    });
  }

  /** List the outputs (after the microphone was allowed, so they have names). */
  async fill() {
    const outputs = canChooseSpeaker() ? await listOutputs() : [];
    this.row.hidden = outputs.length < 2;
    if (this.row.hidden) {
      return;
    }
    const options = outputs.map((output, index) => {
      const option = document.createElement("option");
      option.value = output.deviceId;
      option.textContent = output.label || t("speaker.unnamed", { number: index + 1 });
      return option;
    });
    this.select.replaceChildren(...options);
    this.select.value = outputs.some((output) => output.deviceId === this.deviceId)
      ? this.deviceId
      : outputs[0].deviceId;
  }

  /** Play `element`'s sound on the chosen output (nothing where there is no choice). */
  apply(element) {
    if (this.deviceId && canChooseSpeaker()) {
      element.setSinkId(this.deviceId).catch(() => {});
    }
  }
}

async function listOutputs() {
  try {
    const devices = await navigator.mediaDevices.enumerateDevices();
    return devices.filter((device) => device.kind === "audiooutput" && device.deviceId);
  } catch {
    return [];
  }
}
