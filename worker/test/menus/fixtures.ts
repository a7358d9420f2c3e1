// A support menu the menu API and runtime tests share (a test file must not export: importing
// it would run its tests again in the importer).
export const SUPPORT_MENU = {
  start: "main",
  ttl_minutes: 30,
  steps: {
    main: {
      prompt: "Hi! How can we help?",
      options: [
        { id: "sales", title: "Talk to sales", next: "ask_name" },
        { id: "hours", title: "Opening hours", next: "hours" },
      ],
    },
    ask_name: { prompt: "What's your name?", input: { key: "name", next: "done" } },
    hours: { prompt: "We open 9–18, Monday to Friday.", end: { handoff: "none" } },
    done: { prompt: "Thanks {{name}}, a person will reply soon.", end: { tag: "lead", llm_context: { source: "menu" }, handoff: "human" } },
  },
};
