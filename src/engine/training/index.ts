/** Training a GPT-2 / BERT from scratch on the user's text (see types.ts for the contract). */
export * from './types';
export { SIZE_PRESETS, TRAINING_LIMITS, defaultTrainingOptions, defaultVocabSize, defaultModelName, modelFolder, objectivesOf, parameterCount, parameterEstimate, checkOptions } from './presets';
export { checkPython, isProblem, torchInstallCommand, type PythonFound } from './python';
export { planTraining, prepareTraining } from './prepare';
export { startTraining, TrainingError, trainingScript } from './run';
export { splitCorpus, paragraphs } from './corpus';
